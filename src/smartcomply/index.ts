export {
	SmartComplyClient,
	SmartComplyApiError,
	type SmartComplyEndpoint,
	type CreatedSmartComplyEndpoint,
	type SmartComplyClientOptions,
	type SmartComplyErrorCode,
} from './client';
export {
	TransportError,
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
