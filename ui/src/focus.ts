/**
 * Moves keyboard focus to an element as it appears, so a person working by
 * keyboard or screen reader continues at the new step instead of at the top
 * of the page (the element they pressed is gone).
 */
export function focusOnMount(node: HTMLElement) {
  node.focus();
}

/** `focusOnMount`, only when `when` holds (e.g. a lock screen's password field). */
export function focusOnMountWhen(node: HTMLElement, when: boolean) {
  if (when) node.focus();
}
