namespace Pipeline.Cli.Cluster;

/// <summary>
/// One `up`, `down`, `start` or `stop` at a time per folder: an exclusive lock on D/.lock (.NET takes an flock for
/// FileShare.None), released when the process ends, however it ends.
/// </summary>
public sealed class ClusterLock : IDisposable
{
    private readonly FileStream _stream;

    private ClusterLock(FileStream stream) => _stream = stream;

    public static async Task<ClusterLock> AcquireAsync(ClusterPaths paths, TimeSpan wait, TextWriter progress, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        var told = false;
        while (true)
        {
            try
            {
                return new ClusterLock(new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!told)
                    progress.WriteLine($"Waiting for another `pipeline cluster` command on {paths.Dir} to finish...");
                told = true;
                await Task.Delay(250, cancellationToken);
            }
            catch (IOException e)
            {
                throw new ClusterException(
                    $"Another `pipeline cluster` command holds {paths.LockFile} ({e.Message}); wait for it to finish.", ClusterException.Refused);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
