import type { AuthUser, Session } from '../server/auth/sessions.ts';
import type { Guest } from '../server/guests/guests.service.ts';
import type { Services } from '../server/services.ts';

declare global {
  namespace App {
    interface Locals {
      services: Services;
      user: AuthUser | null;
      session: Session | null;
      guest: Guest | null;
      locale: 'fr' | 'en';
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}

export {};
