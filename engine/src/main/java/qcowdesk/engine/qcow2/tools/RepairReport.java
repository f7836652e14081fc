package qcowdesk.engine.qcow2.tools;

/**
 * What a repair did.
 *
 * @param before            the check before repairing
 * @param after             the check after repairing
 * @param leaksFixed        refcounts lowered to the number of references
 * @param corruptionsFixed  refcounts raised, and COPIED flags corrected
 * @param rebuilt           whether a new refcount structure was written
 */
public record RepairReport(CheckReport before, CheckReport after, long leaksFixed, long corruptionsFixed,
                           boolean rebuilt) {
}
