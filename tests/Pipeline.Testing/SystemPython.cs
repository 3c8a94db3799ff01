namespace Pipeline.Testing;

/// <summary>Runs test scripts with Debian's /usr/bin/python3 and its python3-torch (the PyTorch peer of parity and interop tests).</summary>
public static class SystemPython
{
    public const string Executable = "/usr/bin/python3";
    private const string InstallHint = "The PyTorch interop tests need /usr/bin/python3 with torch: run `apt-get install python3-torch`.";

    /// <summary>
    /// Runs a script (a path relative to the test's output folder) with arguments and returns its stdout; fails the test
    /// when it fails, saying how to install torch when that is why.
    /// </summary>
    public static string RunScript(string script, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, script);
        Assert.True(File.Exists(path), $"The test script {path} was not copied to the test output.");
        var (exitCode, stdout, stderr) = Run([path, .. arguments]);
        if (exitCode != 0)
        {
            EnsureTorch();
            Assert.Fail($"{script} failed (exit code {exitCode}):\n{stderr}");
        }
        return stdout;
    }

    private static void EnsureTorch()
    {
        var (exitCode, _, stderr) = Run(["-c", "import torch"]);
        if (exitCode != 0)
            Assert.Fail($"{InstallHint}\n{Executable} -c 'import torch' failed:\n{stderr}");
    }

    private static ToolResult Run(string[] arguments) =>
        ToolProcess.Run(Executable, arguments, InstallHint, new Dictionary<string, string?> { ["PYTHONIOENCODING"] = "utf-8", ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
