namespace Pipeline.Testing;

/// <summary>Real links, hard links and FIFOs for tests of what a dataset folder may hold besides images.</summary>
public static class SpecialFiles
{
    public static string SymbolicLink(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    public static string HardLink(string path, string existing) => Make("ln", [existing, path]);

    /// <summary>A named pipe: opening it for reading blocks until a writer comes, which in a test none ever does.</summary>
    public static string Fifo(string path) => Make("mkfifo", [path]);

    private static string Make(string tool, string[] arguments)
    {
        var path = arguments[^1];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var result = ToolProcess.Run(tool, arguments, $"'{tool}' comes with coreutils");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)}: {result.Stderr}");
        return path;
    }
}
