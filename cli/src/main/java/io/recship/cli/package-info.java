/**
 * The {@code recship} command line: {@link io.recship.cli.RecShipCli} is the top command, each
 * subcommand is its own class ({@link io.recship.cli.ValidateCommand}, {@link
 * io.recship.cli.InspectCommand}, {@link io.recship.cli.ScoreCommand}, {@link
 * io.recship.cli.DemoCommand}).
 */
@org.jspecify.annotations.NullMarked
package io.recship.cli;
