using System.Text.Json;

namespace Pipeline.Tests.Deployment;

/// <summary>infra/minio/init.sh, the one-shot bucket and user set-up of the Docker deployment, run by /bin/sh against a
/// stand-in <c>mc</c> that records its calls (MinIO itself cannot run here). What mc does with them is not tested.</summary>
public sealed class MinioInitScriptTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public MinioInitScriptTests()
    {
        // The stand-in: logs each call, keeps the policy file it is given, and fails `admin policy attach` or answers
        // `admin user info` as the test says.
        var mc = _folder.Combine("mc");
        File.WriteAllText(mc, """
            #!/bin/sh
            echo "$*" >> "$FAKE_MC_LOG"
            case "$1 $2 $3" in
              "admin policy create") cp "$6" "$FAKE_MC_POLICY" ;;
              "admin policy attach") [ "$FAKE_MC_ATTACH" = ok ] || { echo "policy change is already in effect" >&2; exit 1; } ;;
              "admin user info") echo "PolicyName: $FAKE_MC_USER_POLICY" ;;
            esac
            """);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(mc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void It_makes_the_bucket_and_a_user_that_may_use_only_that_bucket()
    {
        var run = RunInit(attach: "ok", userPolicy: "");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var calls = File.ReadAllLines(_folder.Combine("mc.log"));
        Assert.Equal([
            "alias set local http://minio:9000 root-user root-password",
            "mb --ignore-existing local/runs",
            $"admin policy create local pipeline-bucket {Assert.Single(calls, call => call.StartsWith("admin policy create", StringComparison.Ordinal)).Split(' ')[^1]}",
            "admin user add local svc-key svc-secret",
            "admin policy attach local pipeline-bucket --user svc-key",
        ], calls);
        using var policy = JsonDocument.Parse(File.ReadAllText(_folder.Combine("policy.json")));
        var statement = Assert.Single(policy.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal(["arn:aws:s3:::runs", "arn:aws:s3:::runs/*"], statement.GetProperty("Resource").EnumerateArray().Select(resource => resource.GetString()));
    }

    [Fact]
    public void It_runs_again_when_the_user_already_holds_the_policy()
    {
        var run = RunInit(attach: "fail", userPolicy: "pipeline-bucket");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("bucket 'runs' is ready for user 'svc-key'", run.Stdout);
    }

    [Fact]
    public void It_fails_with_mcs_message_when_the_policy_cannot_be_attached()
    {
        var run = RunInit(attach: "fail", userPolicy: "readonly");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("already in effect", run.Stderr);
    }

    private ToolResult RunInit(string attach, string userPolicy) =>
        DeploymentTools.Run("/bin/sh", [Path.Combine(DeploymentTools.RepoRoot, "infra", "minio", "init.sh")], "/bin/sh is missing",
            new Dictionary<string, string?>
            {
                ["PATH"] = $"{_folder.Path}:{Environment.GetEnvironmentVariable("PATH")}",
                ["MINIO_ROOT_USER"] = "root-user",
                ["MINIO_ROOT_PASSWORD"] = "root-password",
                ["S3_BUCKET"] = "runs",
                ["S3_ACCESS_KEY"] = "svc-key",
                ["S3_SECRET_KEY"] = "svc-secret",
                ["MINIO_URL"] = null,
                ["FAKE_MC_LOG"] = _folder.Combine("mc.log"),
                ["FAKE_MC_POLICY"] = _folder.Combine("policy.json"),
                ["FAKE_MC_ATTACH"] = attach,
                ["FAKE_MC_USER_POLICY"] = userPolicy,
            });
}
