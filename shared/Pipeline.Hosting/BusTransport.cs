namespace Pipeline.Hosting;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}
