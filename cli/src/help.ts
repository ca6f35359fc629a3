// The --help text: every command and option, generated from the providers and presets so it never falls behind.
import {
	providerIds,
	providers,
	SMARTERMEASURE_KEY_QUERY,
	type ProviderId,
} from '../../src/internal';
import { SECRET_ENV } from './args';
import { SIGNED_HELP } from './send-signed';

/** The providers' display names, for the help text. */
const namesOf = (ids: readonly ProviderId[]) => ids.map((id) => providers[id].displayName);
const allNames = namesOf(providerIds);
const isStaticKey = (id: ProviderId) => providers[id].scheme.kind === 'staticKey';

export const HELP = `smart-webhooks: send signed test deliveries as ${allNames.slice(0, -1).join(', ')} or ${allNames[allNames.length - 1]} would,
or as any signed-webhook sender would (Standard Webhooks, GitHub, Shopify, Stripe, Slack, or your scheme's settings)

Usage:
  smart-webhooks send <provider> <event> --url <webhook URL> --secret <secret or key> [options]
  smart-webhooks send <provider> --file <payload.json|payload.xml> --url <URL> --secret <secret> [options]
  smart-webhooks sample <provider> <event> [--format json|xml] [--metadata]
  smart-webhooks events [provider]
${SIGNED_HELP.split('\n\n')[0]}
  smart-webhooks --help

Providers: ${providerIds.join(', ')} (case-insensitive; smtm = smartMaintenance)

send options:
  --url <URL>          where to POST (the Test or Production URL of the n8n trigger)
  --secret <value>     the signing secret (${namesOf(providerIds.filter((id) => !isStaticKey(id))).join(', ')}) or verification key
                       (${namesOf(providerIds.filter(isStaticKey)).join(', ')}); or set ${SECRET_ENV} to keep it out of your shell history.
                       SmartMaintenance without a secret sends an unsigned delivery, as SMTM does.
  --file <path>        send this file's bytes as the body instead of the built-in sample for <event>
                       (.xml files are sent as XML; the event is read from the file, so <event> may be left out)
  --format json|xml    body format (XML only for SmarterMeasure; default json, or the --file extension)
  --times <N>          send the same delivery N times (same body, same ids, same signature), as a provider
                       retrying it would: the receiver should accept one and answer the rest as duplicates
  --tamper             change one byte after signing (for SmarterMeasure, whose key does not cover the body,
                       one character of the key) to see the receiver refuse it
  --query-key          SmarterMeasure: put the key in the URL's ${SMARTERMEASURE_KEY_QUERY} parameter instead of the header
  --header "Name: value"  add this header to every request, e.g. the one a SmartMaintenance credential requires
                       (its Header Name and Header Value); the value is never printed

${SIGNED_HELP.split('\n\n')[1]}

sample: prints the item the n8n trigger emits for that event (a realistic payload, parsed as the trigger parses
  it), e.g. for n8n's "Set mock data" / pinning, before the provider is wired. --metadata adds the _delivery field
  as the trigger's "Include Delivery Metadata" option does.

Exit codes: 0 every delivery answered 2xx; 1 a delivery was refused or could not be sent; 2 usage error.

Examples:
  smart-webhooks events smartlyQ
  smart-webhooks sample smartMaintenance task.completed
  smart-webhooks send smp project.completed --url https://n8n.example.com/webhook-test/…/webhook --secret "$SMP_SECRET"
  smart-webhooks send signed --preset github --event push --url http://localhost:5678/webhook-test/…/webhook --secret "$GITHUB_SECRET"
  smart-webhooks send smarterMeasure AssessmentCompleted --format xml --query-key --url http://localhost:5678/webhook-test/…/webhook --secret key123
`;
