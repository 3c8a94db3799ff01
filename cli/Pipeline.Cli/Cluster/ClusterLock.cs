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
        if (!Directory.Exists(paths.Dir))
            throw new ClusterException($"No deployment in {paths.Dir} (the folder does not exist): start one with `pipeline cluster up --dir {paths.Dir}`.");
        var deadline = DateTime.UtcNow + wait;
        var told = false;
        while (true)
        {
            try
            {
                return new ClusterLock(new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            // A plain IOException is the lock held by another process; its subclasses (a folder removed meanwhile) are not.
            catch (IOException e) when (e.GetType() == typeof(IOException) && DateTime.UtcNow < deadline)
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
