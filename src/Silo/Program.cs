using OrleansTokens.Hosting;
using OrleansTokens.Persistence.PostgreSql;

// The standalone OrleansTokens silo. "migrate" applies the PostgreSQL schema and exits; with no command the
// silo runs until stopped, with a small HTTP endpoint for health probes.
var builder = WebApplication.CreateBuilder(args);

if (args is ["migrate", ..])
{
    try
    {
        var connectionString = OrleansTokensHostingExtensions.RequireConnectionString(builder.Configuration);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole());
        await PostgreSqlSchema.ApplyAsync(
            connectionString, loggerFactory.CreateLogger("OrleansTokens.Silo.Migrate"), CancellationToken.None);
        return 0;
    }
    catch (Exception exception) when (exception is InvalidOperationException or Npgsql.NpgsqlException)
    {
        Console.Error.WriteLine($"Schema migration failed: {exception.Message}");
        return 1;
    }
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // Keep clear of the API host's default port 5000 when both run on one machine.
    builder.WebHost.UseUrls("http://127.0.0.1:8081");
}

WebApplication app;
try
{
    builder.UseOrleans(silo => silo.AddOrleansTokensSilo(builder.Configuration, builder.Environment.ContentRootPath));
    builder.Services.AddHealthChecks();
    app = builder.Build();
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine($"Configuration error: {exception.Message}");
    return 1;
}

app.MapHealthChecks("/health/live");
return await StartupErrors.RunAsync(app, app.Configuration);
