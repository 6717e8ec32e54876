/** Turns a web `Response` into the call's output (or throws). */
export type ResponseHandler<Output> = (response: Response) => Promise<Output>;
