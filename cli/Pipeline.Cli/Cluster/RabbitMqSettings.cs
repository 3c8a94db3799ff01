namespace Pipeline.Cli.Cluster;

/// <summary>The deployment's own RabbitMQ node: its name and ports, and the epmd that only it uses.</summary>
/// <param name="Home">HOME of the node and of rabbitmqctl: its .erlang.cookie lives there.</param>
public sealed record RabbitMqSettings(string NodeName, int Port, int DistPort, int EpmdPort, string Home);
