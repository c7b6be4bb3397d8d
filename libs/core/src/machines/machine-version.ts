/**
 * The version of the task and step machines. Stored with every snapshot; bump it with any change to states,
 * context or events that an older snapshot would not restore into correctly.
 */
export const MACHINE_VERSION = 7;
