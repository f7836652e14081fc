/**
 * What every command shares: exit codes, the one-line error messages, the failure type commands throw, the
 * program's name, and running in the foreground until a signal. It depends on no other package of the CLI, so
 * the commands' packages and the entry point ({@code qcowdesk.cli.Qcowctl}, which names every command) form no
 * cycle.
 */
package qcowdesk.cli.support;
