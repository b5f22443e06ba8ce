package io.recship.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code recship}: the top command. Subcommands are separate classes registered here: {@code
 * validate} (fg/mc), {@code inspect} and {@code score} (an export folder), {@code demo} (the Java
 * example end to end).
 */
@Command(
    name = "recship",
    mixinStandardHelpOptions = true,
    versionProvider = RecShipCli.Version.class,
    description = "Build recommendation models in Java/Kotlin and deliver them to RecIS/RTP serving.",
    subcommands = {
      ValidateCommand.class,
      InspectCommand.class,
      ScoreCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RecShipCli implements Runnable {
  /** Exit code: no errors. */
  static final int OK = 0;
  /** Exit code: the input has errors (rule findings). */
  static final int FINDINGS = 1;
  /** Exit code: the input cannot be read (missing file, malformed JSON) or the command line is wrong. */
  static final int UNREADABLE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (tests call {@code execute} on it with their own out/err). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new RecShipCli()).setCaseInsensitiveEnumValuesAllowed(true);
    return cli.setParameterExceptionHandler(new UnknownOptionFirst(cli.getParameterExceptionHandler()));
  }

  @Override
  public void run() {
    // "recship" alone: say what there is to do.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (e.g. recship validate --fg fg.json)");
  }

  /**
   * Reports a misspelt option rather than what it leaves missing: {@code --fgg x} is "Unknown
   * option: '--fgg'" with "did you mean --fg", not "Missing required option '--fg'".
   */
  static final class UnknownOptionFirst implements CommandLine.IParameterExceptionHandler {
    private final CommandLine.IParameterExceptionHandler delegate;

    UnknownOptionFirst(CommandLine.IParameterExceptionHandler delegate) {
      this.delegate = delegate;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) throws Exception {
      CommandLine cmd = ex.getCommandLine();
      if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !cmd.getUnmatchedArguments().isEmpty()) {
        ex = new CommandLine.UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
      }
      return delegate.handleParseException(ex, args);
    }
  }

  /** Version from the build (filtered resource), so it also works when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = RecShipCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"recship " + p.getProperty("version", "(unknown version)")};
    }
  }
}
