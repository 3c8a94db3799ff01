using Pipeline.Hosting;
using Pipeline.Trainer;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults();
builder.AddTrainerStage();
builder.AddPipelineBus();
builder.Build().Run();
