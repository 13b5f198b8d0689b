/**
 * A PACS may list one thing more than once: the same study under two patient ids, so
 * its series and instances come back twice (or four times) from QIDO-RS. Reading each
 * entry would stream each instance several times. Entries are merged by their UID (a
 * SOP Instance UID names one instance wherever it is listed), keeping the first.
 */
export function mergeDuplicates<T>(items: T[], uidOf: (item: T) => string): { unique: T[]; merged: number } {
  const seen = new Set<string>();
  const unique = items.filter((item) => {
    const uid = uidOf(item);
    if (seen.has(uid)) return false;
    seen.add(uid);
    return true;
  });
  return { unique, merged: items.length - unique.length };
}

/** The warning for merged entries: counts and UIDs only, never a patient attribute. */
export function mergedWarning(what: string, merged: number, where: string): string {
  return `the server listed ${merged} ${what} more than once ${where} (e.g. one study under two patient ids): each is read once`;
}
