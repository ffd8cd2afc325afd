using OrleansTokens.ApiHost.Auth;

namespace OrleansTokens.ApiHost;

/// <summary>
/// <c>hash-password</c>: reads a password from standard input and prints its hash for
/// <c>Users:{name}:PasswordHash</c>, so that no plain-text password goes into configuration.
/// </summary>
public static class PasswordHashCommand
{
    public static int Run(TextReader input, TextWriter output, TextWriter error)
    {
        var password = input.ReadLine();
        if (string.IsNullOrWhiteSpace(password))
        {
            error.WriteLine(
                "The password on standard input is missing, empty or only white space. Usage: "
                + "echo 'secret' | dotnet run --no-launch-profile --project src/ApiHost -- hash-password");
            return 2;
        }

        output.WriteLine(CredentialValidator.HashPassword(password));
        return 0;
    }
}
