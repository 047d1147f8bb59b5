/** An example service for busmesh: a calculator published as replicas and called through its generated proxy. */
@ModuleGen(name = "busmesh-calculator", groupPackage = "io.busmesh.examples")
package io.busmesh.examples.calculator;

import io.vertx.codegen.annotations.ModuleGen;
