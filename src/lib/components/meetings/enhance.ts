import { tick } from 'svelte';
import { applyAction } from '$app/forms';
import { invalidateAll } from '$app/navigation';
import type { SubmitFunction } from '@sveltejs/kit';

/** What a refused form sends back (see `formFailure` in $lib/server/forms). */
export interface MeetingFormFailure {
  message: string;
  fields: Record<string, string>;
  values: Record<string, string>;
}

export interface MeetingFormOptions {
  setBusy?: (busy: boolean) => void;
  /** The refusal to show beside this form (null after a success). */
  setFailure: (failure: MeetingFormFailure | null) => void;
  /** After a success that stays on the page, with the `?done=` code of the redirect. */
  onDone?: (code: string | null, form: HTMLFormElement) => void;
  /** Empty the form after a success (forms that add something). */
  reset?: boolean;
}

/**
 * The `use:enhance` callback of the meeting pages. Without JavaScript each form posts, the
 * server redirects back with `?done=`. With it, a redirect to the same page is not followed
 * (that would scroll to the top and move the focus): the data is refreshed in place, the
 * form keeps its place and the page announces what happened. A refusal stays beside the
 * form that caused it and the focus goes to the first field to correct.
 */
export function meetingForm(opts: MeetingFormOptions): SubmitFunction {
  return () => {
    opts.setBusy?.(true);
    return async ({ result, formElement }) => {
      try {
        if (result.type === 'redirect') {
          const target = new URL(result.location, location.href);
          if (target.pathname === location.pathname) {
            if (opts.reset) formElement.reset();
            opts.setFailure(null);
            await invalidateAll();
            opts.onDone?.(target.searchParams.get('done'), formElement);
            return;
          }
          await applyAction(result);
        } else if (result.type === 'failure') {
          opts.setFailure((result.data as MeetingFormFailure | undefined) ?? null);
          await tick();
          const invalid = formElement.querySelector<HTMLElement>('[aria-invalid="true"]');
          (invalid ?? formElement.querySelector<HTMLElement>('[role="alert"]'))?.focus();
        } else if (result.type === 'success') {
          opts.setFailure(null);
          await invalidateAll();
          opts.onDone?.(null, formElement);
        } else {
          await applyAction(result);
        }
      } finally {
        opts.setBusy?.(false);
      }
    };
  };
}

/** The refusal that belongs to a form: the one sent back by JavaScript, or the page's (no JavaScript) when it names this form. */
export function failureFor(local: MeetingFormFailure | null, pageForm: unknown, formId: string): MeetingFormFailure | null {
  if (local) return local;
  const f = pageForm as MeetingFormFailure | null | undefined;
  return f && f.values?.formId === formId ? f : null;
}
