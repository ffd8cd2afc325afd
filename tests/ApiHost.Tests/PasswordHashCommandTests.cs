using Microsoft.AspNetCore.Identity;

namespace OrleansTokens.ApiHost.Tests;

public sealed class PasswordHashCommandTests
{
    [Fact]
    public void HashPassword_PrintsVerifiableHash()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = PasswordHashCommand.Run(new StringReader("correct horse\n"), output, error);

        Assert.Equal(0, exitCode);
        var hash = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(
            PasswordVerificationResult.Success,
            new PasswordHasher<string>().VerifyHashedPassword("", hash, "correct horse"));
        Assert.Empty(error.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("\t\n")]
    public void HashPassword_BlankInputIsRejected(string input)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = PasswordHashCommand.Run(new StringReader(input), output, error);

        Assert.Equal(2, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("missing, empty or only white space", error.ToString(), StringComparison.Ordinal);
    }
}
