import {
  objectId,
  optionalInt,
  optionalObject,
  optionalString,
  optionalTimestamp,
  requiredString,
  requiredTimestamp,
  type JsonObject,
} from '../../common/fields';
import { InvalidEventError } from '../../common/invalid-event-error';
import { epochMillisToSqlTimestamp } from '../../common/timestamp';
import type { MapContext } from '../../pipeline/domain-module';
import { USER_LIMITS } from './user.entity';
import { USER_EVENT_TYPES, type UserCommand, type UserEventType } from './user.events';

/**
 * Pure: a decoded envelope → the write it asks for, or InvalidEventError naming the field.
 * Never reads password_hash, additional_emails or date_of_birth, so they cannot be stored.
 */
export function mapUserEvent(envelope: JsonObject, ctx: MapContext): UserCommand {
  const eventType = envelope['event_type'] as UserEventType;
  const eventId = optionalString(envelope['event_id'], 'event_id', USER_LIMITS.eventId);
  const eventTimestamp = optionalTimestamp(envelope['timestamp'], 'timestamp');
  const data = optionalObject(envelope['data'], 'data');

  if (eventType === USER_EVENT_TYPES.deleted) {
    const idField = data['user_id'] !== undefined && data['user_id'] !== null ? 'data.user_id' : 'entity_id';
    const entityId = objectId(idField === 'data.user_id' ? data['user_id'] : envelope['entity_id'], idField);
    // Spec §3: the record's own timestamp stands in for a missing one (never the processing
    // time), so a replay of the same record writes the same row.
    const at = eventTimestamp ?? epochMillisToSqlTimestamp(ctx.recordTimestamp);
    if (at === null) {
      throw new InvalidEventError('invalid_event', 'timestamp is missing and the Kafka record has none', 'timestamp');
    }
    return { kind: 'delete', eventType, entityId, eventId, eventTimestamp: at };
  }
  if (eventType !== USER_EVENT_TYPES.created && eventType !== USER_EVENT_TYPES.updated) {
    throw new InvalidEventError(
      'unknown_event_type',
      `event_type "${String(eventType)}" is not a user event`,
      'event_type',
    );
  }

  const contact = optionalObject(data['contact_info'], 'data.contact_info');
  const profile = optionalObject(data['profile'], 'data.profile');
  const entityId = objectId(envelope['entity_id'], 'entity_id');
  return {
    kind: 'upsert',
    eventType,
    entityId,
    eventId,
    row: {
      userId: entityId,
      email: requiredString(contact['primary_email'], 'data.contact_info.primary_email', USER_LIMITS.email),
      phone: optionalString(contact['phone'], 'data.contact_info.phone', USER_LIMITS.phone),
      displayName: requiredString(profile['display_name'], 'data.profile.display_name', USER_LIMITS.displayName),
      avatar: optionalString(profile['avatar'], 'data.profile.avatar', USER_LIMITS.avatar),
      bio: optionalString(profile['bio'], 'data.profile.bio', USER_LIMITS.bio),
      version: optionalInt(data['version'], 'data.version', 1),
      deletedAt: optionalTimestamp(data['deleted_at'], 'data.deleted_at'),
      createdAt: requiredTimestamp(data['created_at'], 'data.created_at'),
      updatedAt: requiredTimestamp(data['updated_at'], 'data.updated_at'),
      eventId,
      eventTimestamp,
    },
  };
}
