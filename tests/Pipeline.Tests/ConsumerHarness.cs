using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Tests;

/// <summary>
/// One consumer on MassTransit's in-memory test harness, with its services and a temp folder; started and
/// stopped around each test. Derived classes register what the consumer needs in <c>configure</c>.
/// </summary>
public abstract class ConsumerHarness<TConsumer> : IAsyncLifetime, IDisposable
    where TConsumer : class, IConsumer
{
    private readonly ServiceProvider _services;

    protected ConsumerHarness(Action<IServiceCollection, string> configure)
    {
        var services = new ServiceCollection().AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        configure(services, Folder.Path);
        _services = services.AddMassTransitTestHarness(bus => bus.AddConsumer<TConsumer>()).BuildServiceProvider(true);
        Harness = _services.GetTestHarness();
    }

    protected TempDirectory Folder { get; } = new();
    protected ITestHarness Harness { get; }

    protected T Service<T>() where T : notnull => _services.GetRequiredService<T>();

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
    }

    public void Dispose() => Folder.Dispose();
}
