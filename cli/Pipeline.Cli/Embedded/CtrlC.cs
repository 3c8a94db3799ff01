using System.Runtime.InteropServices;
using Pipeline.Cli.Commands;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// While alive, the first Ctrl+C (or SIGTERM) asks for the run to be cancelled and lets it end as Cancelled like any
/// other end; a second one ends the process at once (the host's own handler would otherwise swallow it).
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _signals;

    public CtrlC(ProgressRenderer renderer, Action requestCancel)
    {
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref _signals) > 1)
                ExitNow(ExitCodes.Of(context.Signal));
            Received = context.Signal;
            renderer.Cancelling();
            requestCancel();
        }
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>The signal that asked for the cancellation, if one did (one command per process, so one per process).</summary>
    public static PosixSignal? Received { get; private set; }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }

    /// <summary>
    /// Ends the process without .NET's shutdown: Environment.Exit runs finalizers and exit handlers while a training
    /// thread is still inside libtorch, which can abort the process (exit 134) instead of ending it with the signal's code.
    /// </summary>
    // DllImport rather than LibraryImport: the generated marshalling would need unsafe code for one trivial call.
    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);
}
