/** A template `payments/refund@1.0.0` whose remaining keys are `body`, from line 4 on. */
export function refund(body: string): string {
  return `name: refund\nnamespace_name: payments\nversion: 1.0.0\n${body}`;
}
