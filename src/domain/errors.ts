/**
 * The one error type of the domain layer.
 *
 * Convention for the whole layer: functions named `check*`, `parse*`, `validate*` throw a
 * DomainError on the first problem; functions that collect several findings (e.g.
 * `crossCheckIdentity`) return `DomainError[]` so an import can report every cell at once.
 * `code` is stable (UPPER_SNAKE, safe for API clients and tests); `message` is Chinese and names
 * the field so it can be shown to a registrar as is.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, field?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
    this.details = details;
    // Keeps `instanceof` working when compiled to ES5-style classes.
    Object.setPrototypeOf(this, DomainError.prototype);
  }

  toJSON(): { code: string; message: string; field?: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, field: this.field, details: this.details };
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** Builds the message form used everywhere: `字段：问题`. */
export function fieldError(
  code: string,
  field: string,
  problem: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError(code, `${field}：${problem}`, field, details);
}
