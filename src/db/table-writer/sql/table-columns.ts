import type { EntityMetadata, EntityProperty, Platform } from '@mikro-orm/core';

/** The ORM's view of one table: its quoted name and, per property, the quoted column and type. */
export class TableColumns<R extends object> {
  /** The persisted single-column properties, in declaration order (the table's column order). */
  readonly properties: ReadonlyArray<EntityProperty<R>>;
  /** The quoted table name. */
  readonly table: string;

  constructor(
    readonly meta: EntityMetadata<R>,
    readonly platform: Platform,
  ) {
    this.properties = meta.props.filter((p) => p.persist !== false && p.fieldNames?.length === 1);
    this.table = platform.quoteIdentifier(meta.tableName);
  }

  /** The property's entry in the metadata, or an error naming it. */
  property(name: string): EntityProperty<R> {
    const prop = this.properties.find((p) => p.name === name);
    if (!prop) throw new Error(`${this.meta.className} has no column for "${name}"`);
    return prop;
  }

  /** The property's column name, unquoted. */
  field(name: string): string {
    return this.property(name).fieldNames[0] as string;
  }

  /** The property's column name, quoted for the platform. */
  quoted(name: string): string {
    return this.platform.quoteIdentifier(this.field(name));
  }

  /** The property's column type as the schema declares it, e.g. `datetime(6)`. */
  columnType(name: string): string {
    const type = this.property(name).columnTypes?.[0];
    if (type === undefined) throw new Error(`${this.meta.className}.${name} has no column type`);
    return type;
  }

  /** The value as the database takes it: converted by the property's custom type, if any. */
  toDatabase(prop: EntityProperty<R>, value: unknown): unknown {
    return prop.customType ? prop.customType.convertToDatabaseValue(value, this.platform) : value;
  }
}
