/**
 * The {@code recship} command line: {@link io.recship.cli.RecShipCli} is the top command, each
 * subcommand is its own class ({@link io.recship.cli.ValidateCommand}; later inspect, score, demo).
 */
@org.jspecify.annotations.NullMarked
package io.recship.cli;
