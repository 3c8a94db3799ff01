namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Bus:RabbitMq</c>. There is no default user: a deployment generates its own credentials.</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
}
