using System.Net;
using System.Net.Sockets;

namespace Pipeline.Cli.Cluster;

/// <summary>Free TCP ports on 127.0.0.1, for servers that cannot be told to pick their own (port 0) and report it.</summary>
public static class FreePorts
{
    /// <summary>
    /// Asks the kernel for <paramref name="count"/> ports at once (all listeners open together, so they are distinct),
    /// then releases them. Another program could take one before our server binds it; the kernel hands out ports in
    /// turn, so that is rare, and the server then fails to start with a clear log.
    /// </summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsAsync(int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellation.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
