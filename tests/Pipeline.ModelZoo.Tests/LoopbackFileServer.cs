using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.ModelZoo.Tests;

/// <summary>A plain-http file server on 127.0.0.1 for download tests: serves the files it is given and counts requests per path.</summary>
public sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly Task _serving;

    public LoopbackFileServer()
    {
        Origin = $"http://127.0.0.1:{FreePort()}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary><c>http://127.0.0.1:port</c>, as an allow-list entry names it.</summary>
    public string Origin { get; }

    /// <returns>The file's URL.</returns>
    public string Serve(string path, byte[] content)
    {
        _files[path] = content;
        return Origin + path;
    }

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>A port nothing listens on (a machine that is offline, as far as a client can tell).</summary>
    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
            using var response = context.Response;
            if (_files.TryGetValue(path, out var content))
            {
                response.ContentLength64 = content.Length;
                await response.OutputStream.WriteAsync(content);
            }
            else
                response.StatusCode = 404;
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
