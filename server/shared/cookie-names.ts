export const SESSION_COOKIE = 'concerto_session';
export const GUEST_COOKIE = 'concerto_guest';
