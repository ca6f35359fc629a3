export {
	SmartComplyClient,
	SmartComplyApiError,
	SMARTCOMPLY_DEFAULT_BASE_URL,
	normaliseBaseUrl,
	redact,
	isEndpointId,
	ENDPOINT_ID,
	type SmartComplyEndpoint,
	type CreatedSmartComplyEndpoint,
	type SmartComplyClientOptions,
	type SmartComplyErrorCode,
} from './client';
export {
	fetchTransport,
	TransportError,
	MAX_ANSWER_BYTES,
	checkDeclaredLength,
	parseAnswer,
	readBounded,
	type TransportErrorKind,
	type Transport,
	type HttpRequest,
	type HttpResponse,
} from './transport';
export {
	endpointIsCurrent,
	registerEndpoint,
	unregisterEndpoint,
	type RegistrationState,
} from './registration';
export { sealSecret, openSealedSecret } from './sealed-secret';
