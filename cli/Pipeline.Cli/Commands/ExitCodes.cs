using System.Runtime.InteropServices;

namespace Pipeline.Cli.Commands;

public static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;

    /// <summary>128 + SIGINT, as shells report a command stopped by Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>128 + SIGTERM, as shells report a command stopped by <c>kill</c>.</summary>
    public const int Terminated = 143;

    /// <summary>The code a run cancelled by <paramref name="signal"/> exits with.</summary>
    public static int Of(PosixSignal? signal) => signal == PosixSignal.SIGTERM ? Terminated : Cancelled;
}
