using Pipeline.Hosting;
using Pipeline.Preprocessor;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults();
builder.AddPreprocessorStage();
builder.AddPipelineBus();
builder.Build().Run();
