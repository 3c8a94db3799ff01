namespace Pipeline.Cli.Cluster;

/// <summary>The deployment's own RabbitMQ node: its name and ports, and the epmd that only it uses.</summary>
/// <param name="Home">HOME of the node and of rabbitmqctl: its .erlang.cookie lives there.</param>
/// <param name="PrometheusPort">Where the rabbitmq_prometheus plugin serves <c>/metrics</c> (queue backlog), on 127.0.0.1.</param>
public sealed record RabbitMqSettings(string NodeName, int Port, int DistPort, int EpmdPort, string Home, int PrometheusPort)
{
    public string MetricsUrl => $"http://127.0.0.1:{PrometheusPort}/metrics";
}
