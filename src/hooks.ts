import type { Reroute } from '@sveltejs/kit';
import { deLocalizeUrl } from '$lib/paraglide/runtime';

// /en/... serves the same routes as /...; the locale comes from the URL (paraglide "url" strategy).
export const reroute: Reroute = (request) => deLocalizeUrl(request.url).pathname;
