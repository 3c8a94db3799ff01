using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Testing;

/// <summary>
/// One consumer on MassTransit's in-memory test harness, with its services and a temp folder; started and
/// stopped around each test. Derived classes register what the consumer needs in <c>configure</c>.
/// </summary>
public abstract class ConsumerHarness<TConsumer> : IAsyncLifetime, IDisposable
    where TConsumer : class, IConsumer
{
    private readonly ServiceProvider _services;

    /// <param name="bus">More for the bus: the consumer's peers (a test double answering its requests) and request clients.</param>
    protected ConsumerHarness(Action<IServiceCollection, string> configure, Action<IBusRegistrationConfigurator>? bus = null)
    {
        var services = new ServiceCollection().AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        configure(services, Folder.Path);
        _services = services.AddMassTransitTestHarness(registration =>
        {
            registration.AddConsumer<TConsumer>();
            bus?.Invoke(registration);
        }).BuildServiceProvider(true);
        Harness = _services.GetTestHarness();
    }

    protected TempDirectory Folder { get; } = new();
    protected ITestHarness Harness { get; }

    protected T Service<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages of type <typeparamref name="T"/> were published, and returns them.
    /// It polls rather than waiting for bus inactivity: a training step can keep the bus silent for longer than the harness's idea of idle.
    /// </summary>
    protected async Task<IReadOnlyList<T>> PublishedAsync<T>(int count = 1, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var published = Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
            if (published.Count >= count)
                return published;
            Assert.True(DateTime.UtcNow < deadline, $"{published.Count} {typeof(T).Name} published; waited for {count}.");
            await Task.Delay(50);
        }
    }

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
    }

    public void Dispose() => Folder.Dispose();
}
