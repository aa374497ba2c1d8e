/**
 * Re-raises an error thrown by user code inside an operator's loop, where no caller is waiting
 * for it, as an unhandled rejection: it reaches the process (Node's default prints it and exits
 * non-zero), as an exception in a go block reaches the uncaught-exception handler in core.async,
 * and as `go()` does in this package. See docs/decisions.md O3.
 *
 * A module of its own so that tests can watch it (jest.spyOn) without crashing the test run.
 */
export function raise(error: unknown): void {
  void Promise.reject(error);
}
