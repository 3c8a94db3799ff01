namespace Pipeline.Cli.Cluster;

/// <summary>How a client reaches the deployment's broker: a user of its own with a generated password (no guest).</summary>
public sealed record RabbitMqCredentials(string Host, int Port, string VirtualHost, string Username, string Password);
