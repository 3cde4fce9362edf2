// Original file: engine.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EmbedRequest as _modelrunner_engine_v1_EmbedRequest, EmbedRequest__Output as _modelrunner_engine_v1_EmbedRequest__Output } from '../../../modelrunner/engine/v1/EmbedRequest.js';
import type { EmbedResult as _modelrunner_engine_v1_EmbedResult, EmbedResult__Output as _modelrunner_engine_v1_EmbedResult__Output } from '../../../modelrunner/engine/v1/EmbedResult.js';
import type { GenerateEvent as _modelrunner_engine_v1_GenerateEvent, GenerateEvent__Output as _modelrunner_engine_v1_GenerateEvent__Output } from '../../../modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest as _modelrunner_engine_v1_GenerateRequest, GenerateRequest__Output as _modelrunner_engine_v1_GenerateRequest__Output } from '../../../modelrunner/engine/v1/GenerateRequest.js';
import type { HealthReply as _modelrunner_engine_v1_HealthReply, HealthReply__Output as _modelrunner_engine_v1_HealthReply__Output } from '../../../modelrunner/engine/v1/HealthReply.js';
import type { HealthRequest as _modelrunner_engine_v1_HealthRequest, HealthRequest__Output as _modelrunner_engine_v1_HealthRequest__Output } from '../../../modelrunner/engine/v1/HealthRequest.js';
import type { LoadReply as _modelrunner_engine_v1_LoadReply, LoadReply__Output as _modelrunner_engine_v1_LoadReply__Output } from '../../../modelrunner/engine/v1/LoadReply.js';
import type { LoadRequest as _modelrunner_engine_v1_LoadRequest, LoadRequest__Output as _modelrunner_engine_v1_LoadRequest__Output } from '../../../modelrunner/engine/v1/LoadRequest.js';
import type { TokenizeReply as _modelrunner_engine_v1_TokenizeReply, TokenizeReply__Output as _modelrunner_engine_v1_TokenizeReply__Output } from '../../../modelrunner/engine/v1/TokenizeReply.js';
import type { TokenizeRequest as _modelrunner_engine_v1_TokenizeRequest, TokenizeRequest__Output as _modelrunner_engine_v1_TokenizeRequest__Output } from '../../../modelrunner/engine/v1/TokenizeRequest.js';

export interface EngineClient extends grpc.Client {
  Embed(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedResult__Output>;
  Embed(options?: grpc.CallOptions): grpc.ClientDuplexStream<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedResult__Output>;
  embed(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedResult__Output>;
  embed(options?: grpc.CallOptions): grpc.ClientDuplexStream<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedResult__Output>;
  
  Generate(argument: _modelrunner_engine_v1_GenerateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_modelrunner_engine_v1_GenerateEvent__Output>;
  Generate(argument: _modelrunner_engine_v1_GenerateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_modelrunner_engine_v1_GenerateEvent__Output>;
  generate(argument: _modelrunner_engine_v1_GenerateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_modelrunner_engine_v1_GenerateEvent__Output>;
  generate(argument: _modelrunner_engine_v1_GenerateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_modelrunner_engine_v1_GenerateEvent__Output>;
  
  Health(argument: _modelrunner_engine_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _modelrunner_engine_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _modelrunner_engine_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _modelrunner_engine_v1_HealthRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _modelrunner_engine_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _modelrunner_engine_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _modelrunner_engine_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _modelrunner_engine_v1_HealthRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  
  Load(argument: _modelrunner_engine_v1_LoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  Load(argument: _modelrunner_engine_v1_LoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  Load(argument: _modelrunner_engine_v1_LoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  Load(argument: _modelrunner_engine_v1_LoadRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  load(argument: _modelrunner_engine_v1_LoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  load(argument: _modelrunner_engine_v1_LoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  load(argument: _modelrunner_engine_v1_LoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  load(argument: _modelrunner_engine_v1_LoadRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_LoadReply__Output>): grpc.ClientUnaryCall;
  
  Tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  Tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  Tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  Tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  tokenize(argument: _modelrunner_engine_v1_TokenizeRequest, callback: grpc.requestCallback<_modelrunner_engine_v1_TokenizeReply__Output>): grpc.ClientUnaryCall;
  
}

export interface EngineHandlers extends grpc.UntypedServiceImplementation {
  Embed: grpc.handleBidiStreamingCall<_modelrunner_engine_v1_EmbedRequest__Output, _modelrunner_engine_v1_EmbedResult>;
  
  Generate: grpc.handleServerStreamingCall<_modelrunner_engine_v1_GenerateRequest__Output, _modelrunner_engine_v1_GenerateEvent>;
  
  Health: grpc.handleUnaryCall<_modelrunner_engine_v1_HealthRequest__Output, _modelrunner_engine_v1_HealthReply>;
  
  Load: grpc.handleUnaryCall<_modelrunner_engine_v1_LoadRequest__Output, _modelrunner_engine_v1_LoadReply>;
  
  Tokenize: grpc.handleUnaryCall<_modelrunner_engine_v1_TokenizeRequest__Output, _modelrunner_engine_v1_TokenizeReply>;
  
}

export interface EngineDefinition extends grpc.ServiceDefinition {
  Embed: MethodDefinition<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedResult, _modelrunner_engine_v1_EmbedRequest__Output, _modelrunner_engine_v1_EmbedResult__Output>
  Generate: MethodDefinition<_modelrunner_engine_v1_GenerateRequest, _modelrunner_engine_v1_GenerateEvent, _modelrunner_engine_v1_GenerateRequest__Output, _modelrunner_engine_v1_GenerateEvent__Output>
  Health: MethodDefinition<_modelrunner_engine_v1_HealthRequest, _modelrunner_engine_v1_HealthReply, _modelrunner_engine_v1_HealthRequest__Output, _modelrunner_engine_v1_HealthReply__Output>
  Load: MethodDefinition<_modelrunner_engine_v1_LoadRequest, _modelrunner_engine_v1_LoadReply, _modelrunner_engine_v1_LoadRequest__Output, _modelrunner_engine_v1_LoadReply__Output>
  Tokenize: MethodDefinition<_modelrunner_engine_v1_TokenizeRequest, _modelrunner_engine_v1_TokenizeReply, _modelrunner_engine_v1_TokenizeRequest__Output, _modelrunner_engine_v1_TokenizeReply__Output>
}
