import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatMessage as _modelrunner_engine_v1_ChatMessage, ChatMessage__Output as _modelrunner_engine_v1_ChatMessage__Output } from './modelrunner/engine/v1/ChatMessage.js';
import type { ChatPrompt as _modelrunner_engine_v1_ChatPrompt, ChatPrompt__Output as _modelrunner_engine_v1_ChatPrompt__Output } from './modelrunner/engine/v1/ChatPrompt.js';
import type { EmbedReply as _modelrunner_engine_v1_EmbedReply, EmbedReply__Output as _modelrunner_engine_v1_EmbedReply__Output } from './modelrunner/engine/v1/EmbedReply.js';
import type { EmbedRequest as _modelrunner_engine_v1_EmbedRequest, EmbedRequest__Output as _modelrunner_engine_v1_EmbedRequest__Output } from './modelrunner/engine/v1/EmbedRequest.js';
import type { EmbedResult as _modelrunner_engine_v1_EmbedResult, EmbedResult__Output as _modelrunner_engine_v1_EmbedResult__Output } from './modelrunner/engine/v1/EmbedResult.js';
import type { Embedding as _modelrunner_engine_v1_Embedding, Embedding__Output as _modelrunner_engine_v1_Embedding__Output } from './modelrunner/engine/v1/Embedding.js';
import type { EngineClient as _modelrunner_engine_v1_EngineClient, EngineDefinition as _modelrunner_engine_v1_EngineDefinition } from './modelrunner/engine/v1/Engine.js';
import type { Failure as _modelrunner_engine_v1_Failure, Failure__Output as _modelrunner_engine_v1_Failure__Output } from './modelrunner/engine/v1/Failure.js';
import type { Finish as _modelrunner_engine_v1_Finish, Finish__Output as _modelrunner_engine_v1_Finish__Output } from './modelrunner/engine/v1/Finish.js';
import type { GenerateEvent as _modelrunner_engine_v1_GenerateEvent, GenerateEvent__Output as _modelrunner_engine_v1_GenerateEvent__Output } from './modelrunner/engine/v1/GenerateEvent.js';
import type { GenerateRequest as _modelrunner_engine_v1_GenerateRequest, GenerateRequest__Output as _modelrunner_engine_v1_GenerateRequest__Output } from './modelrunner/engine/v1/GenerateRequest.js';
import type { HealthReply as _modelrunner_engine_v1_HealthReply, HealthReply__Output as _modelrunner_engine_v1_HealthReply__Output } from './modelrunner/engine/v1/HealthReply.js';
import type { HealthRequest as _modelrunner_engine_v1_HealthRequest, HealthRequest__Output as _modelrunner_engine_v1_HealthRequest__Output } from './modelrunner/engine/v1/HealthRequest.js';
import type { LoadReply as _modelrunner_engine_v1_LoadReply, LoadReply__Output as _modelrunner_engine_v1_LoadReply__Output } from './modelrunner/engine/v1/LoadReply.js';
import type { LoadRequest as _modelrunner_engine_v1_LoadRequest, LoadRequest__Output as _modelrunner_engine_v1_LoadRequest__Output } from './modelrunner/engine/v1/LoadRequest.js';
import type { Sampling as _modelrunner_engine_v1_Sampling, Sampling__Output as _modelrunner_engine_v1_Sampling__Output } from './modelrunner/engine/v1/Sampling.js';
import type { TokenLogprob as _modelrunner_engine_v1_TokenLogprob, TokenLogprob__Output as _modelrunner_engine_v1_TokenLogprob__Output } from './modelrunner/engine/v1/TokenLogprob.js';
import type { TokenProbability as _modelrunner_engine_v1_TokenProbability, TokenProbability__Output as _modelrunner_engine_v1_TokenProbability__Output } from './modelrunner/engine/v1/TokenProbability.js';
import type { TokenizeReply as _modelrunner_engine_v1_TokenizeReply, TokenizeReply__Output as _modelrunner_engine_v1_TokenizeReply__Output } from './modelrunner/engine/v1/TokenizeReply.js';
import type { TokenizeRequest as _modelrunner_engine_v1_TokenizeRequest, TokenizeRequest__Output as _modelrunner_engine_v1_TokenizeRequest__Output } from './modelrunner/engine/v1/TokenizeRequest.js';
import type { Tool as _modelrunner_engine_v1_Tool, Tool__Output as _modelrunner_engine_v1_Tool__Output } from './modelrunner/engine/v1/Tool.js';
import type { ToolCall as _modelrunner_engine_v1_ToolCall, ToolCall__Output as _modelrunner_engine_v1_ToolCall__Output } from './modelrunner/engine/v1/ToolCall.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  modelrunner: {
    engine: {
      v1: {
        ChatMessage: MessageTypeDefinition<_modelrunner_engine_v1_ChatMessage, _modelrunner_engine_v1_ChatMessage__Output>
        ChatPrompt: MessageTypeDefinition<_modelrunner_engine_v1_ChatPrompt, _modelrunner_engine_v1_ChatPrompt__Output>
        EmbedReply: MessageTypeDefinition<_modelrunner_engine_v1_EmbedReply, _modelrunner_engine_v1_EmbedReply__Output>
        EmbedRequest: MessageTypeDefinition<_modelrunner_engine_v1_EmbedRequest, _modelrunner_engine_v1_EmbedRequest__Output>
        EmbedResult: MessageTypeDefinition<_modelrunner_engine_v1_EmbedResult, _modelrunner_engine_v1_EmbedResult__Output>
        Embedding: MessageTypeDefinition<_modelrunner_engine_v1_Embedding, _modelrunner_engine_v1_Embedding__Output>
        Engine: SubtypeConstructor<typeof grpc.Client, _modelrunner_engine_v1_EngineClient> & { service: _modelrunner_engine_v1_EngineDefinition }
        Failure: MessageTypeDefinition<_modelrunner_engine_v1_Failure, _modelrunner_engine_v1_Failure__Output>
        Finish: MessageTypeDefinition<_modelrunner_engine_v1_Finish, _modelrunner_engine_v1_Finish__Output>
        GenerateEvent: MessageTypeDefinition<_modelrunner_engine_v1_GenerateEvent, _modelrunner_engine_v1_GenerateEvent__Output>
        GenerateRequest: MessageTypeDefinition<_modelrunner_engine_v1_GenerateRequest, _modelrunner_engine_v1_GenerateRequest__Output>
        HealthReply: MessageTypeDefinition<_modelrunner_engine_v1_HealthReply, _modelrunner_engine_v1_HealthReply__Output>
        HealthRequest: MessageTypeDefinition<_modelrunner_engine_v1_HealthRequest, _modelrunner_engine_v1_HealthRequest__Output>
        LoadReply: MessageTypeDefinition<_modelrunner_engine_v1_LoadReply, _modelrunner_engine_v1_LoadReply__Output>
        LoadRequest: MessageTypeDefinition<_modelrunner_engine_v1_LoadRequest, _modelrunner_engine_v1_LoadRequest__Output>
        Mode: EnumTypeDefinition
        Sampling: MessageTypeDefinition<_modelrunner_engine_v1_Sampling, _modelrunner_engine_v1_Sampling__Output>
        TokenLogprob: MessageTypeDefinition<_modelrunner_engine_v1_TokenLogprob, _modelrunner_engine_v1_TokenLogprob__Output>
        TokenProbability: MessageTypeDefinition<_modelrunner_engine_v1_TokenProbability, _modelrunner_engine_v1_TokenProbability__Output>
        TokenizeReply: MessageTypeDefinition<_modelrunner_engine_v1_TokenizeReply, _modelrunner_engine_v1_TokenizeReply__Output>
        TokenizeRequest: MessageTypeDefinition<_modelrunner_engine_v1_TokenizeRequest, _modelrunner_engine_v1_TokenizeRequest__Output>
        Tool: MessageTypeDefinition<_modelrunner_engine_v1_Tool, _modelrunner_engine_v1_Tool__Output>
        ToolCall: MessageTypeDefinition<_modelrunner_engine_v1_ToolCall, _modelrunner_engine_v1_ToolCall__Output>
      }
    }
  }
}

