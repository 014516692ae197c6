/**
 * Test support for action links (not shipped): an engine config with a public URL, a responder (alice)
 * and a viewer (vic) of one team, each paged by SMS, email and push (ntfy) at high urgency.
 */
import { KEYS } from '@klaxon/testing';

export const PUBLIC = 'https://klaxon.example.com';
const rules = '{ high: [{ type: sms }, { type: email }, { type: push }] }';

export const LINKS_YAML = `
server: { publicUrl: '${PUBLIC}' }
users:
  - { id: alice, name: Alice, notificationRules: ${rules}, contactMethods: [{ type: sms, address: '+15550000001' }, { type: email, address: alice@example.com }, { type: push, address: 'ntfy:alice' }] }
  - { id: vic, name: Vic, role: viewer, notificationRules: ${rules}, contactMethods: [{ type: sms, address: '+15550000009' }, { type: email, address: vic@example.com }, { type: push, address: 'ntfy:vic' }] }
teams:
  - { id: platform, name: Platform, members: [alice, vic] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T1 }
  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: everyone }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: everyone }
  T3: { name: Advisory, urgency: none, pages: false }
escalationPolicies:
  - { id: everyone, name: Everyone, steps: [{ targets: [{ user: alice }, { user: vic }] }] }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: monitoring, source: alertmanager, routeByLabel: service }
`;
