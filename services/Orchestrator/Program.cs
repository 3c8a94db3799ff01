using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Api.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults("orchestrator");
builder.AddOrchestratorStage();
builder.AddPipelineBus(bus => bus.AddOrchestratorConsumers());
builder.AddPipelineApi();
builder.AddDashboard();

var app = builder.Build();
app.UsePipelineApi();
app.MapRunsApi();
app.MapDatasetsApi();
app.MapWeightsApi();
app.MapDashboard();
app.Run();
