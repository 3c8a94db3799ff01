namespace Pipeline.Cli.Commands;

public static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;

    /// <summary>128 + SIGINT, as shells report a command stopped by Ctrl+C.</summary>
    public const int Cancelled = 130;
}
