using System.Globalization;
using MassTransit;
using MassTransit.Serialization;

namespace Pipeline.Hosting.Redelivery;

/// <summary>Sends a message that failed its in-process retries to wait in its queue's redelivery queue for <c>delay</c>.</summary>
public sealed class TtlRedeliveryContext<T>(ConsumeContext<T> context, string queue, RedeliveryQueues queues, RedeliveryOptions options)
    : MessageRedeliveryContext where T : class
{
    public async Task ScheduleRedelivery(TimeSpan delay, Action<ConsumeContext, SendContext>? callback)
    {
        await queues.EnsureDeclaredAsync(queue);
        var wait = Pipe.Execute<SendContext<T>>(send =>
        {
            send.ApplyRedeliveryOptions(context, options);
            callback?.Invoke(context, send);
            var rabbit = send.GetPayload<RabbitMqSendContext>();
            rabbit.BasicProperties.Expiration = ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            // Unroutable (the redelivery queue is gone) fails the send, and with it this attempt: the message is never dropped.
            rabbit.Mandatory = true;
        });
        var endpoint = await context.GetSendEndpoint(new Uri($"exchange:{RedeliveryQueues.NameFor(queue)}"));
        await endpoint.Send(context.Message, new ForwardMessagePipe<T>(context, wait), context.CancellationToken);
    }
}
