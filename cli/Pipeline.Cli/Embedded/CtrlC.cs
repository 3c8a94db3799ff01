using System.Runtime.InteropServices;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// While alive, the first Ctrl+C (or SIGTERM) asks for the run to be cancelled and lets it end as Cancelled like any
/// other end; a second one gets the default behaviour and the process ends at once.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _cancelling;

    public CtrlC(ProgressRenderer renderer, Action requestCancel)
    {
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = Interlocked.Exchange(ref _cancelling, 1) == 0;
            if (context.Cancel)
            {
                renderer.Cancelling();
                requestCancel();
            }
        }
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
