using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OrleansTokens.ApiHost;
using OrleansTokens.ApiHost.Auth;
using OrleansTokens.ApiHost.Endpoints;
using OrleansTokens.AspNetCore;
using OrleansTokens.Hosting;

if (args is ["hash-password", ..])
{
    return PasswordHashCommand.Run(Console.In, Console.Out, Console.Error);
}

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOrleans();
    builder.AddTokenAuthentication();
    builder.AddApiRateLimiting();
    builder.Services.AddProblemDetails();
    builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
    builder.Services.AddApiDocument();
    builder.Services.AddHealthChecks()
        .AddCheck<RevocationStoreHealthCheck>("revocation-store", tags: ["ready"]);
    app = builder.Build();
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine($"Configuration error: {exception.Message}");
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOpenApi();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapAuthEndpoints();
app.MapSessionEndpoints();
app.MapOAuthEndpoints();

return await StartupErrors.RunAsync(app, app.Configuration);

/// <summary>Entry point type, public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
