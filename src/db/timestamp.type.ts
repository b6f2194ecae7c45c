import { Type } from '@mikro-orm/core';

/**
 * DATETIME(6) held as `YYYY-MM-DD HH:MM:SS.ffffff` text in UTC: a JavaScript Date would drop
 * the microseconds. The driver returns DATETIME as text (dateStrings), so values pass as they are.
 */
export class MicrosecondTimestampType extends Type<string | null | undefined, string | null | undefined> {
  override convertToDatabaseValue(value: string | null | undefined): string | null | undefined {
    return value;
  }

  override convertToJSValue(value: string | null | undefined): string | null | undefined {
    return value;
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return 'datetime(6)';
  }
}
