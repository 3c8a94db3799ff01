using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults();
builder.AddOrchestratorStage();
builder.AddPipelineBus();
builder.AddPipelineApi();

var app = builder.Build();
app.UsePipelineApi();
app.MapRunsApi();
app.Run();
