using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults("orchestrator");
builder.AddOrchestratorStage();
builder.AddPipelineBus(bus => bus.AddOrchestratorConsumers());
builder.AddPipelineApi();

var app = builder.Build();
app.UsePipelineApi();
app.Run();
