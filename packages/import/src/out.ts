/** The Klaxon config objects both importers produce (plain data, before YAML), over their own channels. */

export type ContactChannel = 'voice' | 'sms' | 'email' | 'push' | 'slack';

export interface NotificationRuleOut<C extends ContactChannel = ContactChannel> {
  type: C;
  delayMinutes: number;
}

export interface UserOut<C extends ContactChannel = ContactChannel> {
  id: string;
  name: string;
  email?: string;
  timezone: string;
  role: 'admin' | 'responder' | 'viewer';
  contactMethods: { type: C; address: string; label?: string }[];
  notificationRules: { high: NotificationRuleOut<C>[]; low: NotificationRuleOut<C>[] };
}

export interface TeamOut {
  id: string;
  name: string;
  members: string[];
  lead?: string;
}
