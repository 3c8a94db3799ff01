using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pipeline.Hosting;

public static class StageHeartbeatsRegistration
{
    /// <summary>This process works for <paramref name="stage"/>: it says so on the bus every half minute.</summary>
    public static IHostApplicationBuilder AddStageHeartbeat(this IHostApplicationBuilder builder, string stage)
    {
        builder.Services.AddOptions<HeartbeatOptions>().Bind(builder.Configuration.GetSection(HeartbeatOptions.Section));
        builder.Services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<StageHeartbeats>(provider, stage));
        return builder;
    }
}
